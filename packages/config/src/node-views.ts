import { type LabelSelector, type Labels, matchesLabelSelector } from '@baremetal-lb/ipam';
import type { LabeledObject } from './metallb-resources.ts';

export type NodeView = { readonly name: string; readonly labels: Labels | undefined };

/** The named nodes, sorted by name (malformed entries are skipped). */
export function toNodeViews(nodes: readonly LabeledObject[]): NodeView[] {
  return nodes
    .filter((node) => typeof node?.metadata?.name === 'string')
    .map((node) => ({ name: node.metadata.name as string, labels: node.metadata.labels }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function matchesAny(labels: Labels | undefined, selectors: readonly LabelSelector[]): boolean {
  return selectors.some((selector) => matchesLabelSelector(labels, selector));
}

/** The nodes any selector matches; no selectors means every node. */
export function selectNodes(nodes: readonly NodeView[], selectors: readonly LabelSelector[]): NodeView[] {
  return nodes.filter((node) => selectors.length === 0 || matchesAny(node.labels, selectors));
}
