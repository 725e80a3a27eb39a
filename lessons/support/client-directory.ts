// The shared resource of story 001: a map of connection ids to subscribed clients.
// Every lock lesson reads user ids from it and sums them, as the story's handlers do.

export interface Client {
  userId: number;
  subscribedTopics: string[];
}

/** The three clients the story's server starts with. */
export function createClientDirectory(): Map<string, Client> {
  return new Map<string, Client>([
    ['87-89-34', { userId: 1, subscribedTopics: ['cats', 'dogs'] }],
    ['22-38-21', { userId: 2, subscribedTopics: ['cats', 'reptiles'] }],
    ['12-67-22', { userId: 3, subscribedTopics: ['mice', 'birds', 'snakes'] }],
  ]);
}

/** The story collects ids as strings while holding the lock... */
export function collectUserIds(clients: ReadonlyMap<string, Client>): string[] {
  return Array.from(clients.values(), (client) => String(client.userId));
}

/** ...and parses, reverses and sums them after the simulated DB call. */
export function sumUserIds(userIds: readonly string[]): number {
  let sum = 0;
  for (let i = userIds.length - 1; i >= 0; i -= 1) {
    sum += Number.parseInt(userIds[i] as string, 10);
  }
  return sum;
}
