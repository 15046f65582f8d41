// A browser wallet as an extension would inject it: an EIP-1193 provider announced by EIP-6963,
// starting on the wrong chain. Only what connecting and switching networks need is answered.
import type { Page } from 'playwright-core';

export async function injectWallet(page: Page, options: { account: string; chainId: number }): Promise<void> {
  await page.addInitScript(({ account, chainId }) => {
    let current = chainId;
    const listeners = new Map<string, Set<(value: unknown) => void>>();
    const emit = (event: string, value: unknown) => listeners.get(event)?.forEach((listener) => listener(value));
    const provider = {
      async request({ method, params }: { method: string; params?: unknown[] }) {
        if (method === 'eth_chainId') return `0x${current.toString(16)}`;
        if (method === 'eth_accounts' || method === 'eth_requestAccounts') return [account];
        if (method === 'wallet_switchEthereumChain') {
          current = parseInt((params?.[0] as { chainId: string }).chainId, 16);
          emit('chainChanged', `0x${current.toString(16)}`);
          return null;
        }
        if (method === 'wallet_requestPermissions' || method === 'wallet_getPermissions') return [{ parentCapability: 'eth_accounts' }];
        throw Object.assign(new Error(`the test wallet does not answer ${method}`), { code: 4200 });
      },
      on(event: string, listener: (value: unknown) => void) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
      },
      removeListener(event: string, listener: (value: unknown) => void) {
        listeners.get(event)?.delete(listener);
      },
    };
    const info = { uuid: '6f1b3c9e-0000-4000-8000-000000000001', name: 'Test Wallet', icon: 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E', rdns: 'test.necto.wallet' };
    const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }));
    window.addEventListener('eip6963:requestProvider', announce);
    announce();
  }, options);
}
