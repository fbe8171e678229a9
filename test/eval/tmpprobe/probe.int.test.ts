import { runRankingFull } from '../../../eval/protocols/ranking-full';
it('probe', async () => {
  const t0 = Date.now();
  await runRankingFull({ trainFile: '/tmp/rfb/slice/train.txt', testFile: '/tmp/rfb/slice/test.txt', seed: 11, epochs: 3, workers: 0, progress: false, modelsDir: '/tmp/rfb/models2', log: (l) => console.log(l) });
  console.log('jest run', Date.now() - t0);
});
