import { describeRulesApi } from './rules-api.suite';

describeRulesApi('pglite');
