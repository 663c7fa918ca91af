import type { Schemas } from '../api/client';

export type LineageNode = Schemas['LineageNode'];

export interface Branch {
  node: LineageNode;
  children: Branch[];
}

/** The lineage as the server lists it (the original first, each item followed by what was
 * made from it, with its depth) made into a tree to draw as nested lists. */
export function nest(nodes: readonly LineageNode[]): Branch[] {
  const roots: Branch[] = [];
  const path: Branch[] = [];
  for (const node of nodes) {
    const branch = { node, children: [] };
    path.length = Math.min(path.length, node.depth);
    const parent = path[path.length - 1];
    if (parent === undefined) roots.push(branch);
    else parent.children.push(branch);
    path.push(branch);
  }
  return roots;
}
