import { describe } from 'node:test';
import { openPgliteTestDatabase } from '../support/databases.js';
import { oversellSuite, oversellTitle } from './oversell.suite.js';

describe(`${oversellTitle} [pglite]`, oversellSuite(openPgliteTestDatabase));
