/** Output types of `auditLog`: who wrote what, through which key (services/access/audit.ts). */
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';

@ObjectType({ description: 'One write or admin action, attributed to the key that made it.' })
export class AuditEntry {
  @Field(() => ID, { description: 'Position in the log; pass as `after` to read on.' })
  cursor!: string;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field({ description: 'Id of the key (`k_…`), `partner:<id>` for a PARTNERS_FILE key, `cli` for the keys CLI, `bootstrap` for first start.' })
  keyId!: string;

  @Field({ description: "The key's name (or the operator's user name for the CLI)." })
  keyName!: string;

  @Field({ description: "The key's role at the time." })
  role!: string;

  @Field({ description: 'The mutation (`recordEvents`, `startExperiment`, …) or CLI action (`keys.create`, `keys.rotate`, `keys.revoke`).' })
  action!: string;

  @Field({ description: 'JSON summary of the arguments: ids and scalars as given, lists by their count.' })
  detail!: string;

  @Field({ description: '`ok`, or the public error code the action failed with.' })
  outcome!: string;
}

@ObjectType()
export class AuditPage {
  @Field(() => [AuditEntry], { description: 'Oldest first.' })
  entries!: AuditEntry[];

  @Field(() => ID, { nullable: true, description: 'Cursor of the last entry (null on an empty page).' })
  endCursor!: string | null;

  @Field({ description: 'True when more entries follow this page.' })
  hasNextPage!: boolean;
}

/** Largest `first` of one auditLog page (a full selection of 100 entries stays under the default MAX_QUERY_COST; `keys audit` exports in bulk). */
export const MAX_AUDIT_PAGE = 100;
