import { describe, expect, test } from 'vitest';
import { nectoQuoteKey, ordinal, rankPrice } from './market-rank.ts';

const row = (quote: string, gpuModel: string, microUsdPerGpuHour: number) => ({ quote, gpuModel, microUsdPerGpuHour });
const board = [row('vast:1', 'H100-80G', 2_500_000), row('runpod:a', 'H100-80G', 3_000_000), row('necto:4', 'H100-80G', 2_100_000), row('vast:2', 'A100-80G', 1_000_000)];

describe('rankPrice', () => {
  test('counts only the same GPU model', () => {
    expect(rankPrice(board, 'H100-80G', 1_000_000)).toEqual({ position: 1, total: 4, text: 'cheapest of 4 H100-80G offers' });
  });

  test('names the position among them', () => {
    expect(rankPrice(board, 'H100-80G', 2_700_000).text).toBe('3rd of 4 H100-80G offers');
    expect(rankPrice(board, 'H100-80G', 9_000_000).text).toBe('4th of 4 H100-80G offers');
  });

  test('an existing offer is not counted against itself', () => {
    expect(rankPrice(board, 'H100-80G', 2_100_000, nectoQuoteKey(4))).toEqual({ position: 1, total: 3, text: 'cheapest of 3 H100-80G offers' });
  });

  test('a tie ranks level', () => {
    expect(rankPrice(board, 'H100-80G', 2_500_000).position).toBe(2);
  });

  test('says when there is nothing to compare with', () => {
    expect(rankPrice(board, 'B200-192G', 5_000_000).text).toBe('no other B200-192G offer today');
    expect(rankPrice(board, 'A100-80G', 5_000_000, 'vast:2').text).toBe('no other A100-80G offer today');
  });
});

test('ordinals', () => {
  expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
});
