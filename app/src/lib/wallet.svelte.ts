// The connected wallet as reactive state, wrapping @wagmi/core: injected wallets found by EIP-6963
// (MetaMask, Rabby, ...) and, on the local chain, anvil's unlocked accounts as a dev wallet that
// needs no extension (wagmi's mock connector: it answers accounts locally and sends transactions
// and typed-data signatures to anvil).
import { connect, createConfig, disconnect, getWalletClient, mock, reconnect, switchChain, watchConnection, watchConnectors } from '@wagmi/core';
import type { Config, Connector } from '@wagmi/core';
import { defineChain, http } from 'viem';
import type { Address, Chain, WalletClient } from 'viem';
import type { AppConfig } from './app-config.ts';

const CHOICE_KEY = 'necto.wallet';
/** anvil account 9: the seeded buyer, funded with USDC by the seed script. */
export const DEFAULT_DEV_ACCOUNT = 9;

/** A browser wallet found by EIP-6963. */
export type WalletOption = { id: string; name: string; icon?: string };

export class Wallet {
  readonly chain: Chain;
  status = $state<'disconnected' | 'connecting' | 'connected'>('disconnected');
  address = $state<Address | undefined>();
  chainId = $state<number | undefined>();
  connectorName = $state<string | undefined>();
  error = $state<string | undefined>();
  injectedWallets = $state<WalletOption[]>([]);
  readonly devAccounts: Address[];
  #config: Config;
  #unwatch: Array<() => void> = [];

  constructor(app: AppConfig) {
    this.devAccounts = app.devAccounts;
    this.chain = defineChain({
      id: app.chainId,
      name: app.chainName,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [app.rpcUrl] } },
      ...(app.explorerUrl && { blockExplorers: { default: { name: 'Explorer', url: app.explorerUrl } } }),
    });
    this.#config = this.#createConfig(DEFAULT_DEV_ACCOUNT);
  }

  get wrongNetwork(): boolean {
    return this.status === 'connected' && this.chainId !== this.chain.id;
  }

  get ready(): boolean {
    return this.status === 'connected' && !this.wrongNetwork;
  }

  /** Restores the last choice (dev account or injected wallet) without prompting. */
  async restore(): Promise<void> {
    const choice = localStorage.getItem(CHOICE_KEY);
    // The dev wallet answers locally: connecting again asks nothing of anyone.
    if (choice?.startsWith('dev:') && this.devAccounts.length) return this.connectDev(Number(choice.slice(4)));
    this.#watch();
    if (choice) await reconnect(this.#config).catch(() => undefined);
  }

  async connectDev(index: number): Promise<void> {
    this.#config = this.#createConfig(index);
    this.#watch();
    const connector = this.#config.connectors.find((c) => c.type === 'mock');
    if (connector) await this.#connect(connector, `dev:${index}`);
  }

  async connectInjected(id: string): Promise<void> {
    const connector = this.#config.connectors.find((c) => c.id === id);
    if (!connector) {
      this.error = 'that wallet is no longer available: reload the page';
      return;
    }
    await this.#connect(connector, `injected:${id}`);
  }

  async disconnect(): Promise<void> {
    localStorage.removeItem(CHOICE_KEY);
    await disconnect(this.#config).catch(() => undefined);
  }

  async switchNetwork(): Promise<void> {
    try {
      await switchChain(this.#config, { chainId: this.chain.id });
    } catch (error) {
      this.error = `the wallet did not switch to ${this.chain.name} (chain ${this.chain.id}): ${shortMessage(error)}`;
    }
  }

  /** A viem wallet client for the connected account, on the app's chain. */
  async client(): Promise<WalletClient> {
    if (!this.ready) throw new Error(this.wrongNetwork ? `switch the wallet to ${this.chain.name}` : 'connect a wallet first');
    return getWalletClient(this.#config, { chainId: this.chain.id }) as Promise<WalletClient>;
  }

  async #connect(connector: Connector, choice: string): Promise<void> {
    this.error = undefined;
    this.status = 'connecting';
    try {
      // No chain asked for at connect: a wallet elsewhere connects, and the app says so and offers the switch.
      await connect(this.#config, { connector });
      localStorage.setItem(CHOICE_KEY, choice);
    } catch (error) {
      this.error = `could not connect ${connector.name}: ${shortMessage(error)}`;
    } finally {
      if (this.status === 'connecting') this.status = 'disconnected';
    }
  }

  #createConfig(devIndex: number): Config {
    const dev = this.devAccounts.length
      ? [mock({ accounts: [this.devAccounts[devIndex] ?? this.devAccounts[0]!, ...this.devAccounts.filter((_, i) => i !== devIndex)] as [Address, ...Address[]] })]
      : [];
    return createConfig({
      chains: [this.chain],
      connectors: [...dev],
      transports: { [this.chain.id]: http() },
      multiInjectedProviderDiscovery: true,
      ssr: false,
    });
  }

  #watch(): void {
    for (const stop of this.#unwatch) stop();
    const config = this.#config;
    const sync = () => {
      const injectedFound = config.connectors.filter((c) => c.type === 'injected');
      this.injectedWallets = injectedFound.map((c) => ({ id: c.id, name: c.name, ...(c.icon && { icon: c.icon }) }));
    };
    sync();
    this.#unwatch = [
      watchConnectors(config, { onChange: sync }),
      watchConnection(config, {
        onChange: (connection) => {
          this.status = connection.status === 'connected' ? 'connected' : connection.status === 'disconnected' ? 'disconnected' : 'connecting';
          this.address = connection.address;
          this.chainId = connection.chainId;
          this.connectorName = connection.connector?.type === 'mock' ? 'Local dev wallet' : connection.connector?.name;
        },
      }),
    ];
  }
}

export function shortMessage(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string };
  return (e?.shortMessage ?? e?.message ?? String(error)).split('\n')[0] ?? 'unknown error';
}


