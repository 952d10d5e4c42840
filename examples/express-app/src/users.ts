export interface User {
  id: string;
  email: string;
  name: string;
  plan: "free" | "pro";
  createdAt: Date;
}

const users = new Map<string, User>();

export async function createUser(input: { email: string; name: string }): Promise<User> {
  const user: User = {
    id: `usr_${users.size + 1}`,
    email: input.email,
    name: input.name,
    plan: "free",
    createdAt: new Date(),
  };
  users.set(user.id, user);
  return user;
}

export async function findUser(id: string): Promise<User> {
  const user = users.get(id);
  if (!user) throw new Error(`no user ${id}`);
  return user;
}

export async function allUsers(): Promise<User[]> {
  return [...users.values()];
}
