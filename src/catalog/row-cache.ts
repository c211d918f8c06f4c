import type { RelationPart } from './delta.js';
import type { CatalogRows, OidFilter } from './snapshot.js';

/** The kinds of catalog rows kept by the object they belong to. */
const KEPT = ['relations', 'columns', 'constraints', 'indexes', 'triggers', 'policies', 'sequences', 'functions', 'types', 'acl'] as const;
type Kept = (typeof KEPT)[number];
type Row = CatalogRows[Kept][number];

/**
 * The object a catalog row belongs to: `r` and the oid of a relation (or sequence), `p` of a
 * function, `t` of a type. Undefined for rows kept by no object (the database's and schemas'
 * privileges).
 */
function ownerOf(kind: Kept, row: Row): string | undefined {
  const r = row as unknown as Record<string, unknown>;
  switch (kind) {
    case 'relations':
    case 'sequences':
      return `r${r.oid}`;
    case 'columns':
    case 'indexes':
    case 'triggers':
    case 'policies':
      return `r${r.rel}`;
    case 'constraints':
      return Number(r.rel) !== 0 ? `r${r.rel}` : `t${r.typ}`;
    case 'functions':
      return `p${r.oid}`;
    case 'types':
      return `t${r.oid}`;
    case 'acl':
      switch (r.object_type) {
        case 'database':
        case 'schema':
          return undefined;
        case 'function':
        case 'procedure':
          return `p${r.oid}`;
        case 'type':
          return `t${r.oid}`;
        default:
          return `r${r.oid}`;
      }
  }
}

/** What a read of some objects covered, kind by kind: the relations whose rows of each part it read. */
export interface ReadCoverage {
  relations: number[];
  sequences: number[];
  functions: number[];
  types: number[];
  parts: Record<RelationPart, number[]>;
}

/**
 * The catalog rows of the last snapshot, by object and kind, so that a delta which read again only
 * some parts of a changed relation (its indexes, say) can assemble it whole: the parts it did not
 * read are still as the cache holds them, since none of their rows was written meanwhile.
 */
export class RowCache {
  private readonly kinds = new Map<Kept, Map<string, Row[]>>();

  constructor(rows: CatalogRows) {
    for (const kind of KEPT) this.kinds.set(kind, new Map());
    this.update(rows, undefined);
  }

  /** Whether the relation's own row is here (it was in scope at the last read). */
  hasRelation(oid: number): boolean {
    return this.kinds.get('relations')!.has(`r${oid}`);
  }

  /** Forgets every row of objects that no longer exist. */
  forget(oids: Iterable<number>): void {
    for (const oid of oids) for (const kind of KEPT) for (const prefix of ['r', 'p', 't']) this.kinds.get(kind)!.delete(`${prefix}${oid}`);
  }

  /**
   * Takes the rows of a read: for each kind, the rows of the objects it covered replace those kept
   * (objects the read covered but found no rows of keep none). Without `coverage`, all rows (a
   * full read).
   */
  update(rows: CatalogRows, coverage: ReadCoverage | undefined): void {
    if (coverage) {
      const r = (oids: Iterable<number>) => [...oids].map((o) => `r${o}`);
      const p = coverage.functions.map((o) => `p${o}`);
      const t = coverage.types.map((o) => `t${o}`);
      const covered: Record<Kept, string[]> = {
        relations: r(coverage.relations),
        columns: r(coverage.parts.columns),
        constraints: [...r(coverage.parts.constraints), ...t],
        indexes: r(coverage.parts.indexes),
        triggers: r(coverage.parts.triggers),
        policies: r(coverage.parts.policies),
        sequences: r([...coverage.sequences, ...this.ownedSequences(coverage.parts.sequences)]),
        functions: p,
        types: t,
        acl: [...r([...coverage.parts.acl, ...coverage.sequences, ...this.ownedSequences(coverage.parts.acl)]), ...p, ...t],
      };
      // (A relation read again without a row of its own, out of the scope now or gone, is thereby
      // no longer known: were it to come back, it must be read whole.)
      for (const kind of KEPT) {
        const kept = this.kinds.get(kind)!;
        for (const key of covered[kind]) kept.delete(key);
      }
    }
    for (const kind of KEPT) {
      const kept = this.kinds.get(kind)!;
      const fresh = new Map<string, Row[]>();
      for (const row of rows[kind] as Row[]) {
        const key = ownerOf(kind, row);
        if (key === undefined) continue;
        const list = fresh.get(key);
        if (list) list.push(row);
        else fresh.set(key, [row]);
      }
      for (const [key, list] of fresh) kept.set(key, list);
    }
  }

  /**
   * The rows of the objects given, as a read of them by oid returns them: their relations' parts,
   * the sequences they own, and their privileges. `shared` adds what is read whole (schemas,
   * default privileges and the database's and schemas' privileges), when the read had them.
   */
  rowsFor(objects: OidFilter, shared: Pick<CatalogRows, 'schemas' | 'defaults' | 'acl'>): CatalogRows {
    const sequences = [...new Set([...objects.sequences, ...this.ownedSequences(objects.relations)])];
    const r = objects.relations.map((o) => `r${o}`);
    const s = sequences.map((o) => `r${o}`);
    const p = objects.functions.map((o) => `p${o}`);
    const t = objects.types.map((o) => `t${o}`);
    const get = <K extends Kept>(kind: K, keys: string[]): CatalogRows[K] => {
      const kept = this.kinds.get(kind)!;
      return [...new Set(keys)].flatMap((key) => kept.get(key) ?? []) as CatalogRows[K];
    };
    return {
      database: [],
      extensions: [],
      schemas: shared.schemas,
      defaults: shared.defaults,
      relations: get('relations', r),
      columns: get('columns', r),
      constraints: get('constraints', [...r, ...t]),
      indexes: get('indexes', r),
      triggers: get('triggers', r),
      policies: get('policies', r),
      sequences: get('sequences', s),
      functions: get('functions', p),
      types: get('types', t),
      acl: [...shared.acl.filter((row) => ownerOf('acl', row) === undefined), ...get('acl', [...r, ...s, ...p, ...t])],
    };
  }

  /** The sequences the relations own (by OWNED BY or as an identity), as the cache knows them. */
  private ownedSequences(relations: number[]): number[] {
    if (relations.length === 0) return [];
    const wanted = new Set(relations.map(Number));
    const owned: number[] = [];
    for (const list of this.kinds.get('sequences')!.values()) {
      for (const row of list as CatalogRows['sequences']) if (row.owner_rel !== null && wanted.has(Number(row.owner_rel))) owned.push(Number(row.oid));
    }
    return owned;
  }
}
