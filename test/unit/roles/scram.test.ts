import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scramVerifier } from '../../../src/roles/scram.js';

// RFC 7677, section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
const RFC_SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const AUTH_MESSAGE =
  'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
  'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';

describe('scramVerifier', () => {
  it('derives the keys of RFC 7677: the server signature of its example exchange matches', () => {
    const verifier = scramVerifier('pencil', { salt: RFC_SALT });
    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
    expect(match).not.toBeNull();
    const [, salt, storedKey, serverKey] = match!;
    expect(salt).toBe('W22ZaJ0SNY7soEsUEjb6gQ==');
    const serverSignature = createHmac('sha256', Buffer.from(serverKey!, 'base64')).update(AUTH_MESSAGE).digest('base64');
    expect(serverSignature).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    // The client proof of the RFC, checked the way a server does: H(proof XOR signature) == StoredKey.
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const clientSignature = createHmac('sha256', Buffer.from(storedKey!, 'base64')).update(AUTH_MESSAGE).digest();
    const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!));
    expect(createHash('sha256').update(clientKey).digest('base64')).toBe(storedKey);
  });

  it('draws a fresh salt each time and never contains the password', () => {
    const a = scramVerifier('correct horse battery staple');
    const b = scramVerifier('correct horse battery staple');
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(a.split('$')[1]!.split(':')[1]).toHaveLength(24);
  });
});
