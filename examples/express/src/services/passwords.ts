/** Argon2id password hashes, a bounded number at a time so a burst of logins queues. */
import { hash, verify } from "@node-rs/argon2";

// Argon2id (the library's default algorithm) with OWASP's minimum cost: 19 MiB, 2 passes.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hash and verify passwords with at most `concurrency` hashes running at once. */
export class PasswordHasher {
  readonly #concurrency: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  // Verified when the account does not exist, so both failures take as long.
  #decoy: Promise<string> | undefined;

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
  }

  /** The Argon2id hash of `password`. */
  async hash(password: string): Promise<string> {
    return this.#limited(() => hash(password, OPTIONS));
  }

  /** Whether `password` matches `passwordHash` (a malformed hash is a mismatch). */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    return this.#limited(() => verify(passwordHash, password).catch(() => false));
  }

  /** Spend the time of one verification, for an account that does not exist. */
  async verifyDecoy(password: string): Promise<void> {
    this.#decoy ??= this.hash("decoy password never used");
    await this.verify(await this.#decoy, password);
  }

  async #limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#running += 1;
    try {
      return await task();
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }
}
