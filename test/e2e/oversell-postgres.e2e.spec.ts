import { describePostgres } from '../support/databases.js';
import { oversellSuite, oversellTitle } from './oversell.suite.js';

describePostgres(oversellTitle, (open) => {
  oversellSuite(open)();
});
