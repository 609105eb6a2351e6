// What the current dataset is made of, as a recipe that can make it again:
// the file (a File, an example's path or text), the reading options the
// user chose (column types), a workbook's sheet and every step that changed the table since
// (a classification adds columns). The page keeps one so that a cancelled
// analysis loses nothing: the worker is stopped, a new one started and the
// recipe replayed (www/js/engine.js). The worker keeps one too, to move
// the dataset from its start-up module to the full one (www/js/worker.js).
// Recipes hold plain data and Files, so they pass through postMessage.

/**
 * Dataset methods that change the table. A new one must be listed here:
 * a restart or a change of module replays them in order, and anything not
 * replayed would silently be missing afterwards.
 */
export const CHANGES_DATA = new Set(["classify", "derive", "removeDerived"]);

/** The ops that read a new file (the worker's names) and how each names its source. */
const SOURCES = {
  loadFile: ({ file }) => ({ kind: "file", file }),
  loadText: ({ text, name }) => ({ kind: "text", text, name }),
  loadExample: ({ path }) => ({ kind: "example", path }),
};

/**
 * The recipe after `op(args)` succeeded: a new source starts afresh,
 * `reload` changes the reading options, a data-changing method is
 * appended; anything else leaves it as it was.
 */
export function updateRecipe(recipe, op, args = {}) {
  if (SOURCES[op]) return { source: SOURCES[op](args), options: args.options ?? {}, sheet: args.sheet ?? null, steps: [] };
  if (!recipe) return recipe;
  // The same file with other reading options, or (a workbook) another sheet.
  if (op === "reload") return { ...recipe, options: args.options ?? {}, sheet: args.sheet ?? recipe.sheet ?? null, steps: [] };
  if (op === "classify" || op === "derive") return { ...recipe, steps: [...recipe.steps, { method: op, args: [args.request] }] };
  if (op === "removeDerived") return { ...recipe, steps: [...recipe.steps, { method: op, args: [args.name] }] };
  if (op === "dataset" && CHANGES_DATA.has(args.method)) {
    return { ...recipe, steps: [...recipe.steps, { method: args.method, args: args.args ?? [] }] };
  }
  return recipe;
}
