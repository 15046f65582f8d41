// The keeper's one signer. It numbers its own transactions, so a burst of routes is sent back to
// back (each answered with its hash at once, its receipt later) instead of one per block. Nonces
// are assigned one call at a time; a nonce the node refuses (another process using the same key,
// a restarted node) is read again from the chain and the call sent once more. A call the node
// says would revert is never sent: the caller gets the contract's error name and decides.
import { BaseError } from 'viem';
import type { Abi, Account, Address, Chain, Hex, PublicClient, WalletClient } from 'viem';
import { revertName, rpcErrorMessage } from './offers.ts';

export type Mined = { hash: Hex; blockNumber: bigint; status: 'success' | 'reverted' };
export type Sent = { hash: Hex; mined: Promise<Mined> };

/** A keeper call that failed. `revert` names the contract's custom error when the call would
 *  revert (checked by gas estimation before sending); otherwise the node or the network failed. */
export class SendError extends Error {
  readonly revert: string | undefined;
  constructor(message: string, revert: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SendError';
    this.revert = revert;
  }
}

export type ContractCall = { address: Address; abi: Abi; functionName: string; args: readonly unknown[] };

export type Signer = {
  address: Address;
  send(call: ContractCall): Promise<Sent>;
};

const NONCE_RETRIES = 3;

export function createSigner(publicClient: PublicClient, wallet: WalletClient, account: Account, chain: Chain): Signer {
  let nextNonce: number | undefined;
  let turn: Promise<unknown> = Promise.resolve();

  const sendNow = async (call: ContractCall): Promise<Hex> => {
    for (let attempt = 1; ; attempt++) {
      nextNonce ??= await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' });
      try {
        const hash = await wallet.writeContract({ ...call, account, chain, nonce: nextNonce } as never);
        nextNonce++;
        return hash;
      } catch (error) {
        // Whatever happened to this nonce, the chain knows best.
        nextNonce = undefined;
        const revert = revertName(error);
        if (revert) throw new SendError(`${call.functionName} would revert with ${rpcErrorMessage(error)}`, revert, { cause: error });
        if (isNonceRefusal(error) && attempt < NONCE_RETRIES) continue;
        throw new SendError(`${call.functionName} was not sent: ${rpcErrorMessage(error)}`, undefined, { cause: error });
      }
    }
  };

  return {
    address: account.address,
    async send(call) {
      const hash = turn.then(() => sendNow(call));
      turn = hash.catch(() => undefined);
      const sent = await hash;
      const mined = publicClient.waitForTransactionReceipt({ hash: sent }).then(
        (receipt) => ({ hash: sent, blockNumber: receipt.blockNumber, status: receipt.status }),
        (error: unknown) => {
          throw new SendError(`${call.functionName} transaction ${sent} has no receipt: ${rpcErrorMessage(error)}`, undefined, { cause: error });
        },
      );
      mined.catch(() => undefined); // a caller that stops waiting must not crash the process
      return { hash: sent, mined };
    },
  };
}

function isNonceRefusal(error: unknown): boolean {
  const text = error instanceof BaseError ? `${error.shortMessage} ${error.details}` : String(error);
  return /nonce|already known|replacement transaction underpriced/i.test(text);
}
