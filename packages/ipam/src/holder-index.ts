/**
 * IP -> services holding it. Paged: addresses are grouped in pages of 4096 consecutive addresses,
 * each a plain array created on first use and dropped when empty, so a densely used range costs
 * one pointer per address and a sparse IPv6 /64 costs only the pages it touches.
 */
import type { IpValue } from './ip-address.ts';

/** One holder's key, or the sorted keys when several services share the IP. */
export type Holders = string | readonly string[];

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

interface Page {
  count: number;
  readonly slots: (Holders | undefined)[];
}

export class HolderIndex {
  private readonly pages4 = new Map<number, Page>();
  private readonly pages6 = new Map<bigint, Page>();

  get(ip: IpValue): Holders | undefined {
    if (typeof ip === 'number') return this.pages4.get(ip >>> PAGE_BITS)?.slots[ip & PAGE_MASK];
    return this.pages6.get(ip >> 12n)?.slots[Number(ip & 4095n)];
  }

  set(ip: IpValue, holders: Holders): void {
    let pages: Map<number | bigint, Page>;
    let pageKey: number | bigint;
    let slot: number;
    if (typeof ip === 'number') {
      pages = this.pages4 as Map<number | bigint, Page>;
      pageKey = ip >>> PAGE_BITS;
      slot = ip & PAGE_MASK;
    } else {
      pages = this.pages6 as Map<number | bigint, Page>;
      pageKey = ip >> 12n;
      slot = Number(ip & 4095n);
    }
    let page = pages.get(pageKey);
    if (page === undefined) {
      page = { count: 0, slots: new Array(PAGE_SIZE) };
      pages.set(pageKey, page);
    }
    if (page.slots[slot] === undefined) page.count++;
    page.slots[slot] = holders;
  }

  delete(ip: IpValue): void {
    const pages = (typeof ip === 'number' ? this.pages4 : this.pages6) as Map<number | bigint, Page>;
    const pageKey = typeof ip === 'number' ? ip >>> PAGE_BITS : ip >> 12n;
    const slot = typeof ip === 'number' ? ip & PAGE_MASK : Number(ip & 4095n);
    const page = pages.get(pageKey);
    if (page === undefined || page.slots[slot] === undefined) return;
    page.slots[slot] = undefined;
    if (--page.count === 0) pages.delete(pageKey);
  }
}
