export { PositionSchema } from './position';
export type { Position } from './position';
