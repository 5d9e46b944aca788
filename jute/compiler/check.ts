// Whole-program checks over all modules: unique names, resolvable references, optional fields
// only at the end, well-formed sequences. Returns every problem at once.

import type { Decl, ModuleDecl, Position, RecordDecl, TypeRef } from './ast';

export interface Program {
  modules: ModuleDecl[];
  /** Every declaration by name, with its module. */
  decls: Map<string, { decl: Decl; module: ModuleDecl }>;
}

export class JuteCheckError extends Error {
  override readonly name = 'JuteCheckError';
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in the Jute definitions:\n  ${problems.join('\n  ')}`);
  }
}

const at = (p: Position): string => `${p.file}:${p.line}:${p.column}`;

export function checkProgram(modules: ModuleDecl[]): Program {
  const problems: string[] = [];
  const decls = new Map<string, { decl: Decl; module: ModuleDecl }>();
  const moduleNames = new Set<string>();
  for (const m of modules) {
    if (moduleNames.has(m.name)) problems.push(`${m.file}: module '${m.name}' is declared twice`);
    moduleNames.add(m.name);
    for (const d of m.decls) {
      const prior = decls.get(d.name);
      if (prior !== undefined) problems.push(`${at(d.pos)}: '${d.name}' is already declared at ${at(prior.decl.pos)}`);
      else decls.set(d.name, { decl: d, module: m });
    }
  }
  const checkType = (t: TypeRef, pos: Position): void => {
    if (t.kind === 'vector') checkType(t.element, pos);
    else if (t.kind === 'ref') {
      const target = decls.get(t.name);
      if (target === undefined) problems.push(`${at(pos)}: unknown type '${t.name}'`);
    }
  };
  for (const { decl } of decls.values()) {
    if (decl.kind === 'record') {
      const seen = new Set<string>();
      let optionalSeen = false;
      for (const f of decl.fields) {
        if (seen.has(f.name)) problems.push(`${at(f.pos)}: field '${f.name}' repeats in ${decl.name}`);
        seen.add(f.name);
        if (optionalSeen && !f.optional) problems.push(`${at(f.pos)}: '${f.name}' follows an optional field; optional fields must come last`);
        optionalSeen ||= f.optional;
        checkType(f.type, f.pos);
      }
      if (decl.fields.length === 0) problems.push(`${at(decl.pos)}: record ${decl.name} has no fields`);
    } else {
      const header = decls.get(decl.header)?.decl;
      if (header === undefined || header.kind !== 'record') {
        problems.push(`${at(decl.pos)}: sequence header '${decl.header}' is not a record`);
      } else {
        requireField(header, decl.tagField, 'int', decl.pos, problems);
        requireField(header, decl.doneField, 'boolean', decl.pos, problems);
      }
      const tags = new Set<number>();
      for (const c of decl.cases) {
        for (const tag of c.tags) {
          if (tags.has(tag)) problems.push(`${at(c.pos)}: tag ${tag} repeats in ${decl.name}`);
          tags.add(tag);
        }
        if (c.body !== null) {
          const body = decls.get(c.body)?.decl;
          if (body === undefined || body.kind !== 'record') problems.push(`${at(c.pos)}: '${c.body}' is not a record`);
        }
      }
    }
  }
  if (problems.length > 0) throw new JuteCheckError(problems);
  return { modules, decls };
}

function requireField(rec: RecordDecl, name: string, prim: string, pos: Position, problems: string[]): void {
  const f = rec.fields.find((x) => x.name === name);
  if (f === undefined || f.type.kind !== 'primitive' || f.type.name !== prim) {
    problems.push(`${at(pos)}: header ${rec.name} needs a ${prim} field '${name}'`);
  }
}
