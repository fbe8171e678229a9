/** Catalogue upsert validation of explicit selling points (pure). */
import { GraphQLError } from 'graphql';
import { MAX_SELLING_POINTS, toItemRecords } from './catalog';

const NOW = Date.UTC(2026, 11, 1);
const refusal = (sellingPoints: string[]): { field: unknown; message: string } | null => {
  try {
    toItemRecords([{ id: 'i1', title: 't', sellingPoints }], NOW);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(GraphQLError);
    const e = err as GraphQLError;
    expect(e.extensions['code']).toBe('BAD_USER_INPUT');
    return { field: e.extensions['field'], message: e.message };
  }
};

describe('toItemRecords sellingPoints', () => {
  it('stores them normalised and deduplicated, and omits an empty list', () => {
    const [a, b] = toItemRecords(
      [
        { id: 'i1', sellingPoints: [' Waterproof ', 'FREE  shipping', 'waterproof'] },
        { id: 'i2', sellingPoints: [] },
      ],
      NOW,
    );
    expect(a!.sellingPoints).toEqual(['waterproof', 'free shipping']);
    expect(b).not.toHaveProperty('sellingPoints');
  });

  it('bounds the count and each length, naming the field', () => {
    expect(refusal(Array.from({ length: MAX_SELLING_POINTS + 1 }, (_, i) => `k${i}`))).toEqual({
      field: 'items[0].sellingPoints',
      message: `items[0].sellingPoints: at most ${MAX_SELLING_POINTS} selling points (got ${MAX_SELLING_POINTS + 1})`,
    });
    expect(refusal(['ok', 'y'.repeat(33)])?.field).toBe('items[0].sellingPoints[1]');
    expect(refusal(['', 'ok'])?.field).toBe('items[0].sellingPoints[0]');
    expect(refusal(['a\u200Bb'])?.field).toBe('items[0].sellingPoints[0]');
    expect(refusal(Array.from({ length: MAX_SELLING_POINTS }, (_, i) => `k${i}`))).toBeNull();
  });
});
