export { clipOutliers, type ClipOutliersOptions, type ClipRanges } from './clip-outliers.js';
