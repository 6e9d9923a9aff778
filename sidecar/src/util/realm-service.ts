/**
 * The opening every service of one realm shares: its options, its clock (injected in tests) and the realm
 * it works on, which is always its Keycloak connection's.
 */
export abstract class RealmService<O extends { keycloak: { readonly realm: string }; now?: () => Date }> {
  protected readonly now: () => Date;

  constructor(protected readonly options: O) {
    this.now = options.now ?? (() => new Date());
  }

  protected get realm(): string {
    return this.options.keycloak.realm;
  }
}
