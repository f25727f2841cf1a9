/**
 * A generated region of a hand-written document: the text between `<!-- name:begin -->` and
 * `<!-- name:end -->`, which only the generator writes.
 */
export function replaceRegion(document: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no ${begin} … ${end} region`);
  return `${document.slice(0, from + begin.length)}\n\n${content}\n\n${document.slice(to)}`;
}

/** The lines only one of two texts has: what a stale region would change. */
export function lineChanges(committed: string, generated: string): string[] {
  const before = new Set(committed.split('\n'));
  const after = new Set(generated.split('\n'));
  return [
    ...[...before].filter((line) => !after.has(line)).map((line) => `- ${line}`),
    ...[...after].filter((line) => !before.has(line)).map((line) => `+ ${line}`),
  ];
}
