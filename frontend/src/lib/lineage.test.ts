import { describe, expect, it } from 'vitest';
import { nest, type Branch, type LineageNode } from './lineage';

function node(reference: string, depth: number): LineageNode {
  return {
    item: { reference } as LineageNode['item'],
    parent_id: null,
    relation: depth === 0 ? null : 'copy',
    depth,
  };
}

function shape(branches: Branch[]): unknown[] {
  return branches.map((b) => [b.node.item.reference, shape(b.children)]);
}

describe('a lineage drawn as a tree', () => {
  it('puts each item under the one before it at a smaller depth', () => {
    const nodes = [node('PHONE', 0), node('IMAGE', 1), node('CHATS', 2), node('PHOTOS', 2), node('REPORT', 1)];
    expect(shape(nest(nodes))).toEqual([['PHONE', [['IMAGE', [['CHATS', []], ['PHOTOS', []]]], ['REPORT', []]]]]);
  });

  it('draws a lone item as a tree of one', () => {
    expect(shape(nest([node('ALONE', 0)]))).toEqual([['ALONE', []]]);
  });
});
