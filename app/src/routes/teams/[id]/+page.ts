import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
  if (!/^\d+$/.test(params.id) || Number(params.id) < 1 || Number(params.id) > 2 ** 32 - 1) error(404, `"${params.id}" is not a team id: team ids are whole numbers from 1`);
  return { id: Number(params.id) };
};
