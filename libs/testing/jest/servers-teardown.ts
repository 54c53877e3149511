import { releaseContainerServers } from '../src/containers';

export default releaseContainerServers;
