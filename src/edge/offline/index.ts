// Offline detection over recorded CSV files: the parser, series extraction, the detector stack.
export { parseCsv, parseCsvRecords, detectSeparator, csvField, type CsvTable } from './csv.ts';
export { toSeries, parseNumber, LABEL_COLUMNS, type Series, type SeriesOptions } from './series.ts';
export { createDetectorStack, DetectorStackConfig, DETECTOR_NAMES, type DetectorName, type DetectorStack, type StackStep } from './detector-stack.ts';
export { detectCsv, defaultTrainRows, checkTimes, type DetectCsvOptions, type DetectCsvResult } from './detect-csv.ts';
export { rocAuc, averagePrecision } from './ranking-metrics.ts';
