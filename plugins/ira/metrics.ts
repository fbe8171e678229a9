/**
 * IRA metrics on the gateway's registry (services/metrics.ts naming): per line, read at scrape
 * time from the service's status, plus a counter of guardrail trips seen by this instance.
 *   recgate_ira_version{line}                 the version served (0: the heuristic)
 *   recgate_ira_frozen{line}, _halted{line}   1 / 0
 *   recgate_ira_guardrail_value{line,policy}  the last SNIPS estimate: policy="version" (the updated network) or "baseline" (version 0)
 *   recgate_ira_guardrail_trips_total{line}   times the guardrail halted the line
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { IraPolicyService, IraPolicyStatus } from './service';

export function registerIraMetrics(registry: Registry, service: IraPolicyService): void {
  let pending: Promise<IraPolicyStatus | null> | null = null;
  /** One status read per scrape, shared by the gauges. */
  const read = (): Promise<IraPolicyStatus | null> => {
    if (pending === null) {
      pending = service.status().catch(() => null);
      void pending.finally(() => setImmediate(() => (pending = null)));
    }
    return pending;
  };
  const gauge = (name: string, help: string, value: (l: IraPolicyStatus['lines'][number]) => number): void =>
    void new Gauge({
      name,
      help,
      labelNames: ['line'],
      registers: [registry],
      async collect() {
        const s = await read();
        for (const l of s?.lines ?? []) this.set({ line: l.line }, value(l));
      },
    });
  gauge('recgate_ira_version', 'IRA version served per policy line (0: the heuristic)', (l) => l.version);
  gauge('recgate_ira_frozen', 'IRA policy line frozen (1) or not (0)', (l) => (l.frozen ? 1 : 0));
  gauge('recgate_ira_halted', 'IRA policy line halted by the guardrail or a non-finite update (1) or learning (0)', (l) => (l.halted !== null ? 1 : 0));
  new Gauge({
    name: 'recgate_ira_guardrail_value',
    help: "The guardrail's last SNIPS value estimate per line: the updated network (policy=version) and version 0 (policy=baseline)",
    labelNames: ['line', 'policy'],
    registers: [registry],
    async collect() {
      const s = await read();
      for (const l of s?.lines ?? []) {
        if (l.guardrail === null) continue;
        this.set({ line: l.line, policy: 'version' }, l.guardrail.estimate);
        this.set({ line: l.line, policy: 'baseline' }, l.guardrail.baseline);
      }
    },
  });
  const trips = new Counter({ name: 'recgate_ira_guardrail_trips_total', help: 'Times the IRA guardrail halted a line on this instance', labelNames: ['line'], registers: [registry] });
  service.onTrip((line) => trips.inc({ line }));
}
