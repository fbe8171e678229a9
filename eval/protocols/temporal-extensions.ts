/**
 * Several trained extensions in one events/temporal run (e.g. `--ranker --mf --dpgcn`): each is
 * trained in turn on the same training store; their plugins, models, trained components and notes
 * are concatenated in order. Two extensions may not register the same scorer id or the same model,
 * and those that open ONNX files must use the same loader (the SDK's onnxruntime session).
 */
import type { TemporalExtension, TemporalTrainingContext } from './events-temporal';

type Extend = (ctx: TemporalTrainingContext) => Promise<TemporalExtension>;

export function combineExtensions(extensions: readonly Extend[]): Extend | undefined {
  if (extensions.length === 0) return undefined;
  if (extensions.length === 1) return extensions[0];
  return async (ctx) => {
    const done: TemporalExtension[] = [];
    const closeAll = async (): Promise<void> => {
      for (const e of [...done].reverse()) await e.close();
    };
    try {
      for (const extend of extensions) done.push(await extend(ctx));
      const ids = done.flatMap((e) => e.plugins.map((p) => p.id));
      const models = done.flatMap((e) => e.models ?? []);
      const clash = ids.find((id, i) => ids.indexOf(id) !== i) ?? models.map((m) => m.id).find((id, i, all) => all.indexOf(id) !== i);
      if (clash !== undefined) throw new RangeError(`two extensions of the run both add ${clash}`);
      const loaders = [...new Set(done.flatMap((e) => (e.loadModel ? [e.loadModel] : [])))];
      if (loaders.length > 1) throw new RangeError('two extensions of the run open ONNX files with different loaders');
      return {
        plugins: done.flatMap((e) => e.plugins),
        ...(loaders[0] ? { loadModel: loaders[0] } : {}),
        trained: done.flatMap((e) => e.trained),
        notes: done.flatMap((e) => e.notes),
        models,
        summarise: (lists) => done.flatMap((e) => e.summarise?.(lists) ?? []),
        close: closeAll,
      };
    } catch (err) {
      await closeAll();
      throw err;
    }
  };
}
