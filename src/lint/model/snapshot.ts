/**
 * The schema model as plain JSON, so that lint can cache the model after an unchanged prefix of
 * the history and, for a staged file on top of it, start there instead of replaying a thousand
 * migrations.
 */
import type { ColumnModel, ConstraintModel, IndexModel, ViewModel } from '../types.js';
import { CowMap } from './cow-map.js';
import { uncertaintiesFrom, uncertaintyList, type Trace } from './existence.js';
import { grantKey, Schema, type GrantState, type PolicyState, type SequenceState, type TableState, type TriggerState, type TypeState } from './schema.js';

const FORMAT = 4;

type TableJson = Omit<TableState, 'columns' | 'constraints' | 'indexes' | 'owner'> & { columns: ColumnModel[]; constraints: ConstraintModel[]; indexes: string[] };
type ViewJson = Omit<ViewModel, 'columns'> & { columns: Array<[string, string[]]> };

/** A model in JSON form. */
export interface SchemaSnapshot {
  format: number;
  tables: TableJson[];
  views: ViewJson[];
  indexes: IndexModel[];
  sequences: SequenceState[];
  types: TypeState[];
  functions: Array<[string, string[]]>;
  triggers: TriggerState[];
  policies: PolicyState[];
  extensions: string[];
  schemas: string[];
  grants: GrantState[];
  comments: Array<[string, string]>;
  traces: Array<[string, Trace]>;
  uncertainties: ReturnType<typeof uncertaintyList>;
  tick: number;
  path: { inherited: Schema['pathInherited']; setHere: boolean; unknownHere: boolean; defaultChanged: boolean; searchPath: string[] };
  temp: { created: boolean; maybe: string[] };
}

export function toSnapshot(model: Schema): SchemaSnapshot {
  return {
    format: FORMAT,
    tables: [...model.tableMap.values()].map(({ owner: _owner, columns, constraints, indexes, ...rest }) => ({ ...rest, columns: [...columns.values()], constraints: [...constraints.values()], indexes: [...indexes] })),
    views: [...model.viewMap.values()].map((v) => ({ ...v, columns: [...v.columns].map(([k, cols]) => [k, [...cols]] as [string, string[]]) })),
    indexes: [...model.indexMap.values()],
    sequences: [...model.sequences.values()],
    types: [...model.types.values()],
    functions: [...model.functions].map(([k, sigs]) => [k, [...sigs]]),
    triggers: [...model.triggers.values()],
    policies: [...model.policies.values()],
    extensions: [...model.extensions],
    schemas: [...model.schemas],
    grants: [...model.grantMap.values()],
    comments: [...model.comments],
    traces: [...model.traces],
    uncertainties: uncertaintyList(model),
    tick: model.tick,
    path: { inherited: model.pathInherited, setHere: model.pathSetHere, unknownHere: model.pathUnknownHere, defaultChanged: model.pathDefaultChanged, searchPath: [...model.searchPath] },
    temp: { created: model.tempCreated, maybe: [...(model.maybeTemp ?? [])] },
  };
}

/** What a restored model has as the last migration applied: not one the next statement belongs to. */
const SNAPSHOT_END = Symbol('snapshot end');

/** The model a snapshot holds, or undefined when it is not one (another format, corrupt). */
export function fromSnapshot(value: unknown): Schema | undefined {
  const snapshot = value as SchemaSnapshot | undefined;
  if (!snapshot || snapshot.format !== FORMAT || !Array.isArray(snapshot.tables)) return undefined;
  const model = new Schema();
  model.tableMap = new CowMap(
    snapshot.tables.map((t) => [
      t.qualified,
      { ...t, columns: new Map(t.columns.map((c) => [c.name, c])), constraints: new Map(t.constraints.map((c) => [c.name, c])), indexes: new Set(t.indexes), owner: model.owner } as TableState,
    ]),
  );
  model.viewMap = new CowMap(snapshot.views.map((v) => [v.qualified, { ...v, columns: new Map(v.columns.map(([k, cols]) => [k, new Set(cols)])) } as ViewModel]));
  model.indexMap = new CowMap(snapshot.indexes.map((i) => [i.qualified, i]));
  model.sequences = new CowMap(snapshot.sequences.map((s) => [s.qualified, s]));
  model.types = new CowMap(snapshot.types.map((t) => [t.qualified, t]));
  model.functions = new CowMap(snapshot.functions.map(([k, sigs]) => [k, new Set(sigs)]));
  model.triggers = new CowMap(snapshot.triggers.map((t) => [t.key, t]));
  model.policies = new CowMap(snapshot.policies.map((p) => [p.key, p]));
  model.extensions = new Set(snapshot.extensions);
  model.schemas = new Set(snapshot.schemas);
  model.grantMap = new CowMap(snapshot.grants.map((g) => [grantKey(g), g]));
  model.comments = new CowMap(snapshot.comments);
  model.traces = new CowMap(snapshot.traces);
  model.uncertainties = uncertaintiesFrom(snapshot.uncertainties);
  model.tick = snapshot.tick;
  model.pathInherited = snapshot.path.inherited;
  model.pathSetHere = snapshot.path.setHere;
  model.pathUnknownHere = snapshot.path.unknownHere;
  model.pathDefaultChanged = snapshot.path.defaultChanged;
  model.searchPath = [...snapshot.path.searchPath];
  model.tempCreated = snapshot.temp.created;
  model.maybeTemp = snapshot.temp.maybe.length > 0 ? new Set(snapshot.temp.maybe) : undefined;
  model.inheritance = snapshot.tables.some((t) => t.inherits !== undefined && t.inherits.length > 0);
  // The migration the snapshot ends with is over: the next statement starts another.
  model.lastMigration = SNAPSHOT_END;
  for (const table of snapshot.tables) for (const c of table.constraints) if (c.refTable) model.noteReference(table.qualified, c.refTable);
  return model;
}
