import type { Command } from 'commander';
import type { AgentboxConfig } from '../../config/config-schema.js';
import type { McpHttpServerConfig, McpOAuthConfig } from '../../config/mcp-config-schema.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { CliContext } from '../cli-context.js';

interface LoginOptions {
  principal?: string;
  timeout?: string;
}

/** The configured server `name`, which must be a remote one with `auth: { type: 'oauth' }`. */
function oauthServer(config: AgentboxConfig, name: string): { entry: McpHttpServerConfig; oauth: McpOAuthConfig } {
  const entry = config.tools.mcp.servers[name];
  if (!entry) {
    const known = Object.keys(config.tools.mcp.servers).join(', ') || 'none configured';
    throw new AgentboxError('INVALID_INPUT', `no MCP server named '${name}' (configured: ${known})`);
  }
  if (!('url' in entry) || !entry.auth) {
    throw new AgentboxError('INVALID_INPUT', `MCP server '${name}' does not use OAuth: give it auth: { type: 'oauth' } in tools.mcp.servers.${name}`);
  }
  return { entry, oauth: entry.auth };
}

async function tokenStore() {
  const { FileMcpTokenStore, defaultMcpTokenPath } = await import('../../node/mcp/file-mcp-token-store.js');
  return new FileMcpTokenStore(defaultMcpTokenPath());
}

/** `agentbox mcp login | logout <server>`: the one-time OAuth consent for a remote server, and forgetting it. */
export function registerMcpLoginCommands(mcp: Command): void {
  mcp
    .command('login')
    .description('sign in to an OAuth MCP server: open the printed URL, the redirect comes back to this machine')
    .argument('<server>', 'a name in tools.mcp.servers with auth: { type: oauth }')
    .option('-p, --principal <id>', 'store the grant for this principal (default: the configured default principal)')
    .option('--timeout <seconds>', 'how long to wait for the browser to come back', '300')
    .action(async (name: string, options: LoginOptions, command: Command) => {
      const config = await new CliContext(command).loadConfig();
      const { entry, oauth } = oauthServer(config, name);
      const timeoutSeconds = Number(options.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
        throw new AgentboxError('INVALID_INPUT', `--timeout '${options.timeout}' is not a positive number of seconds`);
      const principal = options.principal ?? config.auth.defaultPrincipal;
      const [{ mcpLogin }, { expandOAuth }, store] = await Promise.all([
        import('../../node/mcp/mcp-login.js'),
        import('../../node/mcp/load-mcp-tool-sources.js'),
        tokenStore(),
      ]);
      await mcpLogin({
        key: { server: name, principal },
        url: new URL(entry.url),
        oauth: expandOAuth(name, oauth, process.env),
        store,
        timeoutMs: timeoutSeconds * 1000,
        onAuthorizationUrl: (url) => {
          process.stderr.write(`Open this URL in a browser to let agentbox use MCP server '${name}' as '${principal}':\n`);
          // Alone on stdout, so a script can pick it up.
          process.stdout.write(`${url.href}\n`);
          process.stderr.write('Waiting for the browser to come back…\n');
        },
      });
      process.stderr.write(`Logged in to MCP server '${name}' as '${principal}'; the grant is in ${store.path} (mode 0600).\n`);
    });

  mcp
    .command('logout')
    .description("forget the OAuth grant for a server (this machine's copy; the authorization server may keep its own)")
    .argument('<server>', 'a name in tools.mcp.servers')
    .option('-p, --principal <id>', "forget this principal's grant (default: the configured default principal)")
    .action(async (name: string, options: LoginOptions, command: Command) => {
      const config = await new CliContext(command).loadConfig();
      const principal = options.principal ?? config.auth.defaultPrincipal;
      const store = await tokenStore();
      const deleted = await store.delete({ server: name, principal });
      process.stderr.write(
        deleted ? `Logged out of MCP server '${name}' as '${principal}'.\n` : `No grant was stored for MCP server '${name}' as '${principal}'.\n`,
      );
    });
}
