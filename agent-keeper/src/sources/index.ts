// Every connected source, in display order.
import { akash } from './akash.ts';
import { awsSpot } from './aws-spot.ts';
import { ionet } from './ionet.ts';
import { lambda } from './lambda.ts';
import { necto } from './necto.ts';
import { nosana } from './nosana.ts';
import { render } from './render.ts';
import { runpod } from './runpod.ts';
import { shadeform } from './shadeform.ts';
import type { Source } from './source.ts';
import { vast } from './vast.ts';

export const ALL_SOURCES: readonly Source[] = [
  akash,
  ionet,
  awsSpot,
  render,
  nosana,
  runpod,
  lambda,
  vast,
  shadeform,
  necto,
];
