// A four-letter-word client for tests: connect, send the word, return all the server writes.
import { connect } from 'node:net';

/** Sends a four-letter word and returns the whole answer (bounded by `timeoutMs`). */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host, port }, () => s.write(word));
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`${word}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('data', (c) => chunks.push(c));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
