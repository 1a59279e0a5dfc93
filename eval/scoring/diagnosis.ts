// Fault-type scoring: confusion matrix and macro-F1 over the fault types that occurred (Sokolova
// & Lapalme, "A systematic analysis of performance measures for classification tasks", 2009:
// macro-averaging weighs every class equally, so a rare fault counts as much as a common one).

/** One detected incident: the true fault and what the cloud named (or 'unknown', or null if never diagnosed). */
export interface DiagnosedIncident {
  truth: string;
  predicted: string | null;
}

export interface DiagnosisReport {
  /** Row = true fault, column = predicted label (incl. 'unknown' and 'undiagnosed'). */
  confusion: Record<string, Record<string, number>>;
  labels: string[];
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  macroF1: number;
  accuracy: number;
  incidents: number;
}

/** Confusion matrix and macro-F1; classes are the true fault types present. */
export function scoreDiagnosis(items: DiagnosedIncident[]): DiagnosisReport {
  const classes = [...new Set(items.map((i) => i.truth))].sort();
  const predictedLabels = [...new Set(items.map((i) => i.predicted ?? 'undiagnosed'))].filter((l) => !classes.includes(l)).sort();
  const labels = [...classes, ...predictedLabels];
  const confusion: Record<string, Record<string, number>> = {};
  for (const t of classes) confusion[t] = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const i of items) confusion[i.truth]![i.predicted ?? 'undiagnosed']! += 1;
  const perClass: DiagnosisReport['perClass'] = {};
  for (const c of classes) {
    const tp = confusion[c]![c]!;
    const support = Object.values(confusion[c]!).reduce((s, v) => s + v, 0);
    const predictedAsC = classes.reduce((s, t) => s + confusion[t]![c]!, 0);
    const precision = predictedAsC > 0 ? tp / predictedAsC : 0;
    const recall = support > 0 ? tp / support : 0;
    perClass[c] = { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, support };
  }
  const macroF1 = classes.length > 0 ? classes.reduce((s, c) => s + perClass[c]!.f1, 0) / classes.length : 0;
  const correct = items.filter((i) => i.predicted === i.truth).length;
  return { confusion, labels, perClass, macroF1, accuracy: items.length > 0 ? correct / items.length : 0, incidents: items.length };
}
