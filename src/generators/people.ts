/** The teams and people who own the domain's resources (the reference catalog's ids, names and roles). */
export interface Person {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  readonly members: readonly string[];
}

export const users: readonly Person[] = [
  { id: 'dboyne', name: 'David Boyne', role: 'Lead developer' },
  { id: 'asmith', name: 'Amy Smith', role: 'Product owner' },
  { id: 'msmith', name: 'Martin Smith', role: 'Senior software engineer' },
];

export const teams: readonly Team[] = [
  {
    id: 'full-stack',
    name: 'Full stackers',
    summary: 'Builds and runs the order, inventory and payment services end to end.',
    members: ['dboyne', 'asmith', 'msmith'],
  },
  {
    id: 'mobile-devs',
    name: 'The mobile devs',
    summary: 'Builds the mobile apps customers order through.',
    members: ['dboyne'],
  },
];
