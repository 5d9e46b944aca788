// Shape of the generated `juteSchema` (src/protocol/generated/schema.ts): field layouts of every
// record, so tools can walk values generically without hand-written per-record code.

export type JutePrimitive = 'byte' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'ustring' | 'buffer';

export type JuteType =
  | { kind: 'primitive'; name: JutePrimitive }
  | { kind: 'vector'; element: JuteType }
  | { kind: 'ref'; name: string };

export interface JuteFieldSchema {
  name: string;
  type: JuteType;
  optional: boolean;
}

export type JuteDeclSchema =
  | { kind: 'record'; module: string; fields: JuteFieldSchema[] }
  | {
      kind: 'sequence';
      module: string;
      header: string;
      tagField: string;
      doneField: string;
      cases: { tags: number[]; body: string | null }[];
    };

export type JuteSchema = Readonly<Record<string, JuteDeclSchema>>;
