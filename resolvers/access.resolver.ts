/** `auditLog(first, after)`: the audit log, for keys with audit:read (admin). */
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { badInput } from '../errors/errors';
import { AuditPage, MAX_AUDIT_PAGE } from '../schema/access';
import type { GatewayContext } from '../services/context';

@Resolver()
export class AccessResolver {
  @Query(() => AuditPage, { description: 'Writes and admin actions with the key that made each, oldest first. Needs scope audit:read (admin).' })
  auditLog(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { defaultValue: 50, description: `Entries per page (1-${MAX_AUDIT_PAGE}).` }) first: number,
    @Arg('after', () => ID, { nullable: true, description: 'Cursor of the last entry already read.' }) after?: string | null,
  ): AuditPage {
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) throw badInput('first', `must be an integer in [1, ${MAX_AUDIT_PAGE}] (got ${first})`);
    let from = 0;
    if (after !== undefined && after !== null) {
      from = Number(after);
      if (!/^\d{1,15}$/.test(after) || !Number.isSafeInteger(from)) throw badInput('after', `not an audit cursor: ${JSON.stringify(after)}`);
    }
    const rows = ctx.audit.page(first + 1, from);
    const entries = rows
      .slice(0, first)
      .map((r) => ({ cursor: String(r.seq), at: new Date(r.ts), keyId: r.keyId, keyName: r.keyName, role: r.role, action: r.action, detail: r.detail, outcome: r.outcome }));
    return { entries, endCursor: entries.at(-1)?.cursor ?? null, hasNextPage: rows.length > first };
  }
}
