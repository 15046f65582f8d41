// What a buyer signs, checked against the chain before anything is signed: the token's EIP-2612
// permit domain (read from the token itself) and an Untracked job key's JobAction (hashed by the
// market itself first). Shared by the CLI's buyer client and the app.
import { domainSeparator, hashTypedData } from 'viem';
import type { Account, Address, Hex, PublicClient, TypedDataDomain } from 'viem';
import { localUsdcAbi, nectoMarketAbi } from '@necto/contracts';
import { ChainError } from './errors.ts';
import { JOB_ACTION_TYPES } from './job-request.ts';

/** USDC (FiatToken v2) has version() but no EIP-5267 eip712Domain(). */
const TOKEN_VERSION_ABI = [
  { type: 'function', name: 'version', stateMutability: 'view', inputs: [], outputs: [{ name: '', type: 'string' }] },
] as const;

/** The domain of `token`'s permit, or undefined when it takes none we can sign exactly. */
export async function permitDomain(reader: PublicClient, token: Address, chainId: number): Promise<TypedDataDomain | undefined> {
  const [domain, separator] = await Promise.all([
    tokenDomain(reader, token, chainId),
    reader.readContract({ address: token, abi: localUsdcAbi, functionName: 'DOMAIN_SEPARATOR' }).catch(() => undefined),
  ]);
  // A token whose separator we cannot reproduce would reject the permit.
  if (!domain || (separator && domainSeparator({ domain }) !== separator)) return undefined;
  return domain;
}

async function tokenDomain(reader: PublicClient, token: Address, chainId: number): Promise<TypedDataDomain | undefined> {
  try {
    const [, name, version, domainChainId, verifyingContract] = await reader.readContract({
      address: token,
      abi: localUsdcAbi,
      functionName: 'eip712Domain',
    });
    return { name, version, chainId: Number(domainChainId), verifyingContract };
  } catch {
    // Tokens without EIP-5267 (USDC itself) expose name() and version().
    const [name, version] = await Promise.all([
      reader.readContract({ address: token, abi: localUsdcAbi, functionName: 'name' }),
      reader.readContract({ address: token, abi: TOKEN_VERSION_ABI, functionName: 'version' }),
    ]).catch(() => [undefined, undefined]);
    return name && version ? { name, version, chainId, verifyingContract: token } : undefined;
  }
}

export type JobActionMessage = { jobId: bigint; action: number; recipient: Address; deadline: bigint };

/** Signs JobAction in the market's own EIP-712 domain with the job key, after checking the market
 *  computes the same digest: a signature the contract would not recover is never made. */
export async function signJobAction(
  reader: PublicClient,
  market: Address,
  key: Required<Pick<Account, 'signTypedData'>>,
  message: JobActionMessage,
): Promise<Hex> {
  const [, name, version, domainChainId, verifyingContract] = await reader.readContract({
    address: market,
    abi: nectoMarketAbi,
    functionName: 'eip712Domain',
  });
  const domain = { name, version, chainId: Number(domainChainId), verifyingContract };
  const typed = { domain, types: JOB_ACTION_TYPES, primaryType: 'JobAction', message } as const;
  const onchain = await reader.readContract({
    address: market,
    abi: nectoMarketAbi,
    functionName: 'jobActionDigest',
    args: [message.jobId, message.action, message.recipient, message.deadline],
  });
  if (hashTypedData(typed) !== onchain) {
    throw new ChainError(`the market at ${market} hashes JobAction differently from this client: nothing signed or sent`);
  }
  return key.signTypedData(typed);
}
