import { useState, type FormEvent } from 'react'

const features = [
  { title: 'Fast', text: 'Pages that load in the blink of an eye.' },
  { title: 'Simple', text: 'One page, a few components, nothing hidden.' },
  { title: 'Yours', text: 'Change anything by asking in the chat.' },
]

export default function Home() {
  const [email, setEmail] = useState('')
  const [joined, setJoined] = useState(false)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (email.includes('@')) setJoined(true)
  }

  return (
    <main className="min-h-screen bg-slate-50 text-slate-900">
      <section className="mx-auto max-w-3xl px-6 py-20 text-center">
        <h1 className="text-4xl font-bold tracking-tight">Build something good</h1>
        <p className="mt-4 text-lg text-slate-600">A starter landing page made with Next.js and Tailwind CSS.</p>
        <form onSubmit={submit} className="mt-8 flex justify-center gap-2">
          <label htmlFor="email" className="sr-only">
            Email
          </label>
          <input
            id="email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="you@example.com"
            className="w-64 rounded-md border border-slate-300 px-3 py-2"
          />
          <button type="submit" className="rounded-md bg-slate-900 px-4 py-2 font-medium text-white">
            Join
          </button>
        </form>
        {joined ? <p className="mt-4 text-green-700">Thanks, {email} is on the list.</p> : null}
      </section>
      <section className="mx-auto grid max-w-4xl gap-6 px-6 pb-20 sm:grid-cols-3">
        {features.map((f) => (
          <div key={f.title} className="rounded-lg bg-white p-6 shadow-sm">
            <h2 className="text-xl font-semibold">{f.title}</h2>
            <p className="mt-2 text-slate-600">{f.text}</p>
          </div>
        ))}
      </section>
    </main>
  )
}
