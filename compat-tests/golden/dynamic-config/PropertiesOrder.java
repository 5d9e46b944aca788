// Prints the iteration order of a java.util.Properties filled with the keys read from stdin (one
// per line, in order; blank line = end of one set), one set per output line, keys joined by tabs.
// The compat test compares javaPropertiesOrder with it on random key sets.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public class PropertiesOrder {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        List<String> keys = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isEmpty()) {
                keys.add(line);
                continue;
            }
            Properties p = new Properties();
            for (String k : keys) p.put(k, "v");
            List<String> out = new ArrayList<>();
            for (Object k : p.keySet()) out.add((String) k);
            System.out.println(String.join("\t", out));
            keys.clear();
        }
    }
}
