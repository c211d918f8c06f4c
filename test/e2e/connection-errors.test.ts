import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { adminUrl, query } from '../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../support/project.js';

/**
 * A server that answers Postgres' SSLRequest with "S" and then speaks TLS with a self-signed
 * certificate, and hangs up after the handshake: a client that verifies the certificate fails on
 * it; one that does not gets "Connection terminated" instead.
 */
function selfSignedTlsServer(dir: string): Promise<{ server: Server; port: number }> {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const server = createServer((socket: Socket) => {
    socket.once('data', () => {
      socket.write('S');
      const tls = new TLSSocket(socket, { isServer: true, key: readFileSync(key), cert: readFileSync(cert) });
      tls.on('error', () => {});
      tls.once('secure', () => tls.destroy());
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

describe('connection errors say what failed, by SQLSTATE or errno, and where the URL came from', () => {
  let project: TempProject;
  const wrongPassword = () => {
    const url = new URL(adminUrl());
    url.password = 'not-the-password-7f3a';
    return url.toString();
  };
  beforeAll(() => {
    project = tempProject();
    project.write('20260101000000_a.sql', sqlMigration('20260101000000', undefined, 'CREATE TABLE a (id int);', 'DROP TABLE a;'));
    writeFileSync(join(project.root, 'pgwarden.config.yaml'), 'migrations: migrations\nenvironments:\n  staging:\n    urlEnv: STAGING_DATABASE_URL\n');
  });
  afterAll(() => project.cleanup());

  it('a wrong password is an authentication failure naming the variable of the environment, not "check that the server runs"', async () => {
    const r = await runCli(['status', '--env', 'staging'], { cwd: project.root, env: { STAGING_DATABASE_URL: wrongPassword() } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('($STAGING_DATABASE_URL of environment "staging"): password authentication failed for user');
    expect(r.stderr).toContain('Authentication failed: the user or password in $STAGING_DATABASE_URL of environment "staging" is wrong.');
    expect(r.stderr).not.toContain('Check that the server runs');
    expect(r.stderr).not.toContain('not-the-password-7f3a');
    const byUrl = await runCli(['status', '--url', wrongPassword()], { cwd: project.root });
    expect(byUrl.stderr).toContain('Authentication failed: the user or password in --url is wrong.');
  });

  it('a database that does not exist says so', async () => {
    const url = new URL(adminUrl());
    url.pathname = '/no_such_database_here';
    const r = await runCli(['status', '--url', url.toString()], { cwd: project.root });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('The database named in --url does not exist on that server');
  });

  it('verify and check with $DATABASE_URL at a port where nothing listens: nothing accepts connections there, no CREATEDB advice', async () => {
    const env = { DATABASE_URL: 'postgresql://ci:secret-pw-1@127.0.0.1:1/postgres' };
    const verify = await runCli(['verify'], { cwd: project.root, env });
    expect(verify.code).toBe(3);
    expect(verify.stderr).toContain('Cannot connect to postgresql://ci:***@127.0.0.1:1/postgres ($DATABASE_URL): connect ECONNREFUSED');
    expect(verify.stderr).toContain('Nothing accepts connections at that host and port: check that the server runs, and the host and port in $DATABASE_URL.');
    expect(verify.stderr).not.toContain('CREATEDB');
    const check = await runCli(['check', '--skip', 'docs', 'roles'], { cwd: project.root, env });
    expect(check.code).toBe(3);
    expect(check.stdout + check.stderr).toContain('Nothing accepts connections at that host and port');
    expect(check.stdout + check.stderr).not.toContain('CREATEDB');
  });

  it('CREATEDB is named when that is what is missing: a user that may connect but not create databases', async () => {
    const role = `nocreatedb_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    await query(adminUrl(), `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    try {
      const url = new URL(adminUrl());
      url.username = role;
      url.password = password;
      const r = await runCli(['verify', '--url', url.toString()], { cwd: project.root });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('error[DATABASE_ERROR]: Could not create a throwaway database on');
      expect(r.stderr).toContain('permission denied to create database (SQLSTATE 42501). The user of --url needs CREATEDB');
      expect(r.stderr).not.toContain(password);
    } finally {
      await query(adminUrl(), `DROP ROLE ${role}`);
    }
  });

  describe('sslmode', () => {
    let dir: string;
    let tls: { server: Server; port: number };
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pgwarden-tls-'));
      tls = await selfSignedTlsServer(dir);
    });
    afterAll(() => {
      tls.server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sslmode=require prints no SECURITY WARNING, and still refuses a server that does not speak SSL (no fallback to plain text)', async () => {
      const url = new URL(adminUrl());
      url.searchParams.set('sslmode', 'require');
      const r = await runCli(['status', '--url', url.toString()], { cwd: project.root });
      expect(r.code).toBe(3);
      expect(r.stderr).not.toContain('SECURITY WARNING');
      expect(r.stderr).toContain('The server does not support SSL connections');
    });

    it('sslmode=require verifies the certificate: a self-signed one is refused, with what to do (sslrootcert)', async () => {
      for (const mode of ['require', 'verify-ca', 'prefer']) {
        const r = await runCli(['status', '--url', `postgresql://app:pw-tls-1@127.0.0.1:${tls.port}/app?sslmode=${mode}`], { cwd: project.root });
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).not.toContain('SECURITY WARNING');
        expect(r.stderr).toMatch(/self[- ]signed certificate/);
        expect(r.stderr).toContain("The server's certificate could not be verified. pgwarden verifies the certificate and host name for sslmode=require, verify-ca and verify-full alike: give the certificate authority with sslrootcert=<file>");
      }
    });
  });
});
