import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
  if (!/^\d+$/.test(params.id) || BigInt(params.id) === 0n) error(404, `"${params.id}" is not a job id: job ids are whole numbers from 1`);
  return { id: BigInt(params.id).toString() };
};
