/**
 * An Aho-Corasick automaton over UTF-16 code units that is fed one
 * character at a time, so that `secrets run --redact` can follow a value
 * across writes, and knows at every moment how much of the text read so far
 * could still be the start of a value (`depth`).
 *
 * Written here rather than taken from npm: the maintained packages either
 * match whole grapheme clusters (so a value followed by a combining mark or a
 * zero-width joiner is not found, which would leak it) or only search whole
 * strings, without the partial-match depth that holding back a fragment needs.
 */

interface Node {
  readonly next: Map<number, Node>;
  fail: Node | undefined;
  /** Length of the text this node stands for. */
  readonly depth: number;
  /** Length of the longest pattern ending here (own or through fail links); 0 when none. */
  match: number;
}

const node = (depth: number): Node => ({ next: new Map(), fail: undefined, depth, match: 0 });

/** The compiled patterns; one {@link MatchState} per stream of text. */
export class PatternSet {
  readonly root: Node = node(0);
  /** Length of the longest pattern. */
  readonly longest: number;
  /** The root's transitions for ASCII, as an array: most steps end at the root. */
  readonly #rootAscii: Array<Node | undefined> = new Array(128).fill(undefined);

  constructor(patterns: Iterable<string>) {
    let longest = 0;
    for (const p of patterns) {
      if (p.length === 0) continue;
      let at = this.root;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        let to = at.next.get(c);
        if (!to) {
          to = node(at.depth + 1);
          at.next.set(c, to);
        }
        at = to;
      }
      at.match = Math.max(at.match, p.length);
      longest = Math.max(longest, p.length);
    }
    this.longest = longest;
    for (const [c, to] of this.root.next) if (c < 128) this.#rootAscii[c] = to;
    // Breadth first, so that every fail target is complete before it is used.
    const queue: Node[] = [];
    for (const child of this.root.next.values()) {
      child.fail = this.root;
      queue.push(child);
    }
    for (let k = 0; k < queue.length; k++) {
      const at = queue[k] as Node;
      for (const [c, child] of at.next) {
        child.fail = this.step(at.fail as Node, c);
        child.match = Math.max(child.match, child.fail.match);
        queue.push(child);
      }
    }
  }

  /** The state after reading `c` in state `at`. */
  step(at: Node, c: number): Node {
    let s: Node = at;
    while (s !== this.root) {
      const to = s.next.get(c);
      if (to) return to;
      s = s.fail as Node;
    }
    return (c < 128 ? this.#rootAscii[c] : this.root.next.get(c)) ?? this.root;
  }
}

/** Where one stream of text stands in a {@link PatternSet}. */
export class MatchState {
  #at: Node;

  constructor(private readonly set: PatternSet) {
    this.#at = set.root;
  }

  /**
   * Reads one UTF-16 code unit. Returns the length of the longest pattern
   * that ends with it (0 when none).
   */
  read(c: number): number {
    this.#at = this.set.step(this.#at, c);
    return this.#at.match;
  }

  /** Takes the place of `other`, a state of the same set. */
  copyFrom(other: MatchState): void {
    this.#at = other.#at;
  }

  /** Whether this state and `other` (of the same set) stand at the same place. */
  same(other: MatchState): boolean {
    return this.#at === other.#at;
  }

  /** How many of the last characters read are the start of some pattern. */
  get depth(): number {
    return this.#at.depth;
  }
}
