import { describeFileConformance } from '../testing/file-conformance.js';
import { createCpuBackend } from './index.js';

describeFileConformance({ backendName: 'cpu', createBackend: () => createCpuBackend() });
