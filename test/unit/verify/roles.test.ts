import { describe, expect, it } from 'vitest';
import { mayCreateRoles, namesRole } from '../../../src/verify/roles.js';

describe('which roles a history names', () => {
  it('sees role creation inside DO blocks and function bodies, not CREATE USER MAPPING', () => {
    expect(mayCreateRoles('DO $$ BEGIN CREATE ROLE app; END $$;')).toBe(true);
    expect(mayCreateRoles("EXECUTE format('create\n  user %I', name);")).toBe(true);
    expect(mayCreateRoles('CREATE GROUP ops;')).toBe(true);
    expect(mayCreateRoles('CREATE USER MAPPING FOR app SERVER remote;')).toBe(false);
    expect(mayCreateRoles('CREATE TABLE role_grants (id int);')).toBe(false);
  });

  it('finds a name as a whole identifier, in any case when it needs no quotes', () => {
    expect(namesRole('DO $$ BEGIN CREATE ROLE App_User; END $$', 'app_user')).toBe(true);
    expect(namesRole("SELECT make_role('app_user');", 'app_user')).toBe(true);
    expect(namesRole('CREATE ROLE app_user_2;', 'app_user')).toBe(false);
    expect(namesRole('CREATE ROLE my_app_user;', 'app_user')).toBe(false);
    expect(namesRole('CREATE ROLE "Ops Team";', 'Ops Team')).toBe(true);
    expect(namesRole('CREATE ROLE ops team;', 'Ops Team')).toBe(false);
  });
});
