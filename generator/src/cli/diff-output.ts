import type { DiffOutput } from '../app/diff.js';
import type { Refusal } from '../cluster/apply-plan.js';
import type { PolicyDiffReport } from '../render/diff-render.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../render/diff-render.js';

/** A policy diff in the chosen output format. */
export function renderDiffAs(report: PolicyDiffReport, output: DiffOutput): string {
  const render = { text: renderDiffText, json: renderDiffJson, markdown: renderDiffMarkdown }[output];
  return render(report);
}

/** The gates `apply` would refuse on, as notes on stderr beside a live diff. */
export function refusalNotes(refusals: readonly Refusal[]): string {
  return refusals.map((refusal) => `palisade: note: apply would refuse: ${refusal.message}\n`).join('');
}
