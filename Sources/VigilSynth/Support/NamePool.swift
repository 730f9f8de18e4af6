/// Given names and surnames reflecting the NHS workforce, combined so that every index gets a distinct person.
enum NamePool {
    static let given = [
        "Aaliyah", "Abdul", "Adam", "Adaeze", "Aisha", "Alan", "Alex", "Alice", "Amara", "Amir", "Amy", "Andrew",
        "Angela",
        "Anil", "Anna", "Arjun", "Ayesha", "Barbara", "Ben", "Beth", "Bilal", "Bogdan", "Callum", "Carlos", "Caroline",
        "Catherine", "Charlotte", "Chen", "Chidi", "Chloe", "Chris", "Claire", "Connor", "Daniel", "David", "Deborah",
        "Deepa", "Dev", "Diana", "Dylan", "Edward", "Eilidh", "Elena", "Eleanor", "Emma", "Eszter", "Ewa", "Farah",
        "Fatima", "Fiona", "Funmi", "Gareth", "George", "Grace", "Hana", "Hannah", "Harpreet", "Harry", "Helen", "Ian",
        "Imran", "Isabel", "Jack", "Jacob", "James", "Jane", "Jasmine", "Jennifer", "Jessica", "Jo", "John", "Joseph",
        "Julie", "Kai", "Karen", "Kate", "Kavita", "Kemi", "Kieran", "Kwame", "Laura", "Leah", "Lena", "Liam", "Lily",
        "Linda", "Lucy", "Mandeep", "Marek", "Maria", "Mark", "Martin", "Mary", "Matthew", "Mei", "Michael", "Mo",
        "Mohammed", "Nadia", "Naomi", "Neil", "Nicola", "Nina", "Noah", "Oliver", "Olivia", "Omar", "Owen", "Paul",
        "Paula", "Peter", "Pooja", "Priya", "Quinn", "Rachel", "Rahul", "Raj", "Rebecca", "Rhys", "Richard", "Rosa",
        "Ruth", "Ryan", "Sadia", "Samuel", "Sana", "Sara", "Sarah", "Sean", "Shauna", "Simon", "Siobhan", "Sophie",
        "Stephen", "Steven", "Susan", "Tariq", "Thomas", "Tom", "Tomasz", "Uma", "Usman", "Vic", "Victoria", "Will",
        "Yasmin", "Yusuf", "Zain", "Zara", "Zoe",
    ]
    static let surnames = [
        "Adams", "Ahmed", "Ali", "Allen", "Anderson", "Armstrong", "Atkinson", "Bailey", "Baker", "Banerjee", "Barker",
        "Bell", "Bennett", "Bibi", "Brown", "Butler", "Campbell", "Carter", "Chapman", "Chowdhury", "Clark", "Clarke",
        "Cole", "Collins", "Cook", "Cooper", "Cox", "Davies", "Davis", "Dixon", "Douglas", "Edwards", "Ellis", "Evans",
        "Fisher", "Fletcher", "Foster", "Fraser", "Gill", "Graham", "Gray", "Green", "Griffiths", "Hall", "Harris",
        "Harrison", "Hassan", "Hill", "Hughes", "Hussain", "Iqbal", "Jackson", "James", "Jenkins", "Johnson", "Jones",
        "Kaur", "Kelly", "Khan", "King", "Kowalski", "Lee", "Lewis", "Lloyd", "Malik", "Marshall", "Martin", "Mason",
        "Matthews", "Mensah", "Miah", "Miller", "Mills", "Mistry", "Mitchell", "Moore", "Morgan", "Morris", "Murphy",
        "Murray", "Nowak", "Okafor", "Okonkwo", "Owen", "Palmer", "Parker", "Patel", "Phillips", "Powell", "Price",
        "Rahman", "Reid", "Richards", "Roberts", "Robinson", "Rogers", "Rose", "Ross", "Russell", "Scott", "Shah",
        "Sharma", "Shaw", "Simpson", "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner", "Walker",
        "Wallace", "Ward", "Watson", "Webb", "White", "Williams", "Wilson", "Wood", "Wright", "Yilmaz", "Young",
        "Zhang",
    ]

    /// The person at `index`: distinct for every index (a numeric suffix appears only once every combination is used).
    /// `salt` shuffles the assignment so that different organisations get different people.
    static func person(_ index: Int, salt: UInt64) -> (given: String, surname: String, suffix: Int) {
        let combinations = given.count * surnames.count
        let multiplier = coprimeMultiplier(for: combinations)
        let combination = (index % combinations * multiplier + Int(salt % UInt64(combinations))) % combinations
        return (given[combination % given.count], surnames[combination / given.count], index / combinations)
    }

    private static func coprimeMultiplier(for modulus: Int) -> Int {
        var candidate = 7919
        while gcd(candidate, modulus) != 1 { candidate += 2 }
        return candidate
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
