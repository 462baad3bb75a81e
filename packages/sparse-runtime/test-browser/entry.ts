/** The test page (index.html): the page API, nothing else. */
import { installPageApi } from './page-api.js';

installPageApi();
