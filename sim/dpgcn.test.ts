import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStrategyFile } from '../pipeline/strategy';
import { DPGCN_FROZEN, DPGCN_LIVE, writeDpgcnStrategies } from './dpgcn';

describe('simulate --dpgcn strategies', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sim-dpgcn-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('derives dpgcn from the default strategy when no file defines it, and a frozen twin differing only in the policy setting', () => {
    writeDpgcnStrategies(dir);
    expect(readdirSync(dir).sort()).toEqual([`${DPGCN_FROZEN}.sim.json`, `${DPGCN_LIVE}.sim.json`]);
    const live = loadStrategyFile(join(dir, `${DPGCN_LIVE}.sim.json`));
    const frozen = loadStrategyFile(join(dir, `${DPGCN_FROZEN}.sim.json`));
    expect(live.scorers.find((s) => s.id === 'dpgcn/graph')).toMatchObject({ weight: 0.25 });
    expect(live.scorers.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 9);
    expect(frozen.id).toBe(DPGCN_FROZEN);
    expect(frozen.scorers).toEqual(live.scorers.map((s) => (s.id === 'dpgcn/graph' ? { ...s, settings: { policy: 'frozen' } } : s)));
    expect({ ...frozen, id: live.id, scorers: live.scorers }).toEqual(live);
  });

  it("takes the folder's dpgcn strategy when there is one, and refuses one without dpgcn/graph", () => {
    const own = {
      id: DPGCN_LIVE,
      limit: 7,
      scorers: [
        { id: 'baseline/commercial', weight: 0.5 },
        { id: 'dpgcn/graph', weight: 0.5, settings: { fusion: true } },
      ],
    };
    writeFileSync(join(dir, `${DPGCN_LIVE}.json`), JSON.stringify(own));
    writeDpgcnStrategies(dir);
    const frozen = loadStrategyFile(join(dir, `${DPGCN_FROZEN}.sim.json`));
    expect(frozen.limit).toBe(7);
    expect(frozen.scorers[1]).toEqual({ id: 'dpgcn/graph', weight: 0.5, settings: { fusion: true, policy: 'frozen' } });
    writeFileSync(join(dir, `${DPGCN_LIVE}.json`), JSON.stringify({ ...own, scorers: [{ id: 'baseline/commercial', weight: 1 }] }));
    expect(() => writeDpgcnStrategies(dir)).toThrow(/does not use dpgcn\/graph/);
  });
});
