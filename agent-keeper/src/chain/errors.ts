/** The chain, the market or a job could not be read or is not as expected: one line for the user. */
export class ChainError extends Error {}
