import { appBuild } from '../../tsup.app';

export default appBuild();
