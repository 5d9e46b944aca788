// The AST of our Jute dialect (see jute/README.md for the grammar).

export type PrimitiveName = 'byte' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'ustring' | 'buffer';

export type TypeRef =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'vector'; element: TypeRef }
  | { kind: 'ref'; name: string };

export interface Position {
  file: string;
  line: number;
  column: number;
}

export interface FieldDecl {
  name: string;
  type: TypeRef;
  /** Trailing field that older peers omit: decoded only if bytes remain, encoded only if set. */
  optional: boolean;
  pos: Position;
}

export interface RecordDecl {
  kind: 'record';
  name: string;
  doc: string[];
  fields: FieldDecl[];
  pos: Position;
}

/** One arm of a sequence: header tags that select a body record (or no body). */
export interface SequenceCase {
  tags: number[];
  body: string | null;
  pos: Position;
}

/**
 * A run of (header, body) items ended by a header whose `doneField` is true; the header's
 * `tagField` chooses the body. This is how the reference packs multi requests and responses.
 */
export interface SequenceDecl {
  kind: 'sequence';
  name: string;
  doc: string[];
  header: string;
  tagField: string;
  doneField: string;
  cases: SequenceCase[];
  pos: Position;
}

export type Decl = RecordDecl | SequenceDecl;

export interface ModuleDecl {
  /** Short name: also the generated file name. */
  name: string;
  /** The reference's Java package, for documentation. */
  javaPackage: string;
  doc: string[];
  decls: Decl[];
  file: string;
}
