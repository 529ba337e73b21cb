/**
 * Answers remembered by key, for the first `limit` keys (a bound, so a huge input cannot grow it
 * without end): rules ask the same few questions (a type token's kind, a pattern's expression)
 * of every resource.
 */
export class BoundedMemo<V> {
  private readonly answers = new Map<string, V>();

  constructor(private readonly limit = 10_000) {}

  get(key: string, compute: () => V): V {
    if (this.answers.has(key)) return this.answers.get(key) as V;
    const answer = compute();
    if (this.answers.size < this.limit) this.answers.set(key, answer);
    return answer;
  }
}
