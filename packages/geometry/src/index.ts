export { boxArea } from './box-area';
