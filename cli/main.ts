/** `fleet-secrets`: started by bin/fleet-secrets.js. */
import { processTerminal } from './output/terminal.js';
import { runCli } from './program.js';

const code = await runCli(process.argv, processTerminal());
// Exit once stdout has drained (piped output is written asynchronously), without waiting for
// idle keep-alive sockets of SDK clients to time out.
process.stdout.write('', () => process.exit(code));
